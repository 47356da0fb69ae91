CREATE TABLE rpps_specialite_commune AS
SELECT p.code_2026 AS code, s.specialite_rpps AS specialite, sum(s.nb_medecins) AS medecins
FROM stg_rpps_specialites AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY ALL;
