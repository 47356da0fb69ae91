-- Codes that were mapped through the passage table rather than matched as they are.
CREATE TABLE codes_convertis AS
SELECT 'apl_drees' AS source, p.nature, count(*) AS lignes
FROM stg_apl AS s JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.nature <> 'commune actuelle'
GROUP BY ALL
UNION ALL
SELECT 'bpe2017', p.nature, count(*)
FROM stg_bpe2017 AS s JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.nature <> 'commune actuelle'
GROUP BY ALL
UNION ALL
SELECT 'rpps_communes', p.nature, count(*)
FROM stg_rpps AS s JOIN passage_commune AS p ON p.code_source = s.code
WHERE p.nature <> 'commune actuelle'
GROUP BY ALL;
