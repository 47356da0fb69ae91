CREATE TABLE paca_qpv AS
SELECT p.code_2026 AS code, s.code_qpv, s.nom_qpv, s.zonage_medecins_qpv AS zonage,
       s.millesime_zonage
FROM stg_paca_qpv AS s JOIN passage_commune AS p ON p.code_source = s.code;
