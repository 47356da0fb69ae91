SELECT profession, rubrique, libelle, borne_minutes, valeur, valeur_2023
FROM apl_profession_parametres
