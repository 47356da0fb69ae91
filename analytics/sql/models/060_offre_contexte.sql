-- GPs and doctors in activity per 2026 commune (RPPS, April 2026; all GPs, liberal and
-- salaried; a doctor practising in two communes counts in both).
CREATE TABLE rpps_commune AS
SELECT p.code_2026 AS code,
       sum(s.nb_medecins_generalistes) AS medecins_generalistes,
       sum(s.nb_medecins_autres_specialites) AS medecins_autres_specialites,
       sum(s.nb_medecins_total) AS medecins_total
FROM stg_rpps AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY p.code_2026;

CREATE TABLE rpps_specialite_commune AS
SELECT p.code_2026 AS code, s.specialite_rpps AS specialite, sum(s.nb_medecins) AS medecins
FROM stg_rpps_specialites AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY ALL;

-- Liberal GPs 2017 (INSEE BPE, codes COG 2018 mapped to 2026; metropolitan France
-- without Paris; communes absent from the file had none).
CREATE TABLE bpe2017_commune AS
SELECT p.code_2026 AS code, sum(s.nb_medecins_omnipraticiens) AS omnipraticiens_2017
FROM stg_bpe2017 AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY p.code_2026;

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

CREATE TABLE departement_medecins AS
SELECT departement, nom_departement, pct_medecins_55ans_plus_2025 AS part_medecins_55_plus,
       effectif_medecins_2025 AS effectif_medecins,
       tcam_effectif_2012_2025_pct AS tcam_effectif_pct,
       variation_annuelle_moyenne_2012_2025 AS variation_annuelle
FROM stg_medecins_55;

-- ALD patients without a médecin traitant: published figures only (partial).
CREATE TABLE ald_sans_mt AS
SELECT code_departement AS departement, departement AS nom, date_reference, indicateur,
       valeur, unite, source_primaire, cite_par_url, remarque
FROM stg_ald_departements;

CREATE TABLE medecin_traitant_national AS SELECT * FROM stg_medecin_traitant_national;
CREATE TABLE paca_qpv AS
SELECT p.code_2026 AS code, s.code_qpv, s.nom_qpv, s.zonage_medecins_qpv AS zonage,
       s.millesime_zonage
FROM stg_paca_qpv AS s JOIN passage_commune AS p ON p.code_source = s.code;
CREATE TABLE distancier_gironde AS SELECT * FROM stg_distancier;
CREATE TABLE apl_parametres AS SELECT * FROM stg_apl_parametres;
