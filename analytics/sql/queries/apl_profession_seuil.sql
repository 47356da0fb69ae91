SELECT profession, annee, seuil_quintile_bas, quantile FROM apl_profession_seuil
ORDER BY profession, annee
