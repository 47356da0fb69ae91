-- Paris, Lyon and Marseille municipal arrondissements: the APL is published at this level.
CREATE TABLE arrondissement_municipal AS
SELECT c.code, c.nom, c.commune_parent AS commune, c.departement, c.region,
       c.population::DOUBLE AS population
FROM stg_communes AS c
WHERE c.type = 'arrondissement-municipal';
