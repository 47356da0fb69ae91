-- Commune context: share aged 75+ (RP 2020), road minutes to emergency care (2019),
-- poverty rate (Filosofi 2018), maison de santé (FINESS 2026, approximate).
CREATE TABLE contexte_commune AS
SELECT p.code_2026 AS code,
       avg(s.part_75_plus) AS part_75_plus,
       avg(s.minutes_urgences) AS minutes_urgences,
       avg(s.taux_pauvrete) AS taux_pauvrete,
       bool_or(s.msp) AS msp
FROM stg_contexte_commune AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY p.code_2026;
