-- ALD patients without a médecin traitant: published figures only (partial).
CREATE TABLE ald_sans_mt AS
SELECT code_departement AS departement, departement AS nom, date_reference, indicateur,
       valeur, unite, source_primaire, cite_par_url, remarque
FROM stg_ald_departements;
