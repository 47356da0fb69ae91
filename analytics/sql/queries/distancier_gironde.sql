-- The Gironde road-time sample the travel-time model is calibrated on.
SELECT * FROM distancier_gironde
