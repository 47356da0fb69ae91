-- Coefficients of the one travel-time model fitted by the build (analytics.traveltime).
SELECT parametre, valeur, definition FROM temps_trajet_modele ORDER BY parametre
