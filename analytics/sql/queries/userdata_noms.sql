-- Names a file may use for a commune that is no longer one (delegated or associated
-- communes, municipal arrondissements), with the 2026 commune they belong to.
SELECT nom, departement, code, nature
FROM commune_nom_alternatif
ORDER BY departement, nom
