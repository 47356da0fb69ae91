-- GPs and doctors in activity per 2026 commune (RPPS, April 2026; all GPs, liberal and
-- salaried; a doctor practising in two communes counts in both).
CREATE TABLE rpps_commune AS
SELECT p.code_2026 AS code,
       sum(s.nb_medecins_generalistes) AS medecins_generalistes,
       sum(s.nb_medecins_autres_specialites) AS medecins_autres_specialites,
       sum(s.nb_medecins_total) AS medecins_total
FROM stg_rpps AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY p.code_2026;
