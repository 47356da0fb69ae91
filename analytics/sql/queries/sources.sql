SELECT key, titre, producteur, page, url, licence, millesime, fichier, niveau, description,
       derive, partiel, attribution, sha256, taille_octets, origine, lignes,
       lignes_non_rattachees, population_non_rattachee
FROM source
ORDER BY key
