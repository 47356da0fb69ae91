-- Liberal GPs 2017 (INSEE BPE, codes COG 2018 mapped to 2026; metropolitan France
-- without Paris; communes absent from the file had none).
CREATE TABLE bpe2017_commune AS
SELECT p.code_2026 AS code, sum(s.nb_medecins_omnipraticiens) AS omnipraticiens_2017
FROM stg_bpe2017 AS s JOIN passage_commune AS p ON p.code_source = s.code
GROUP BY p.code_2026;
