-- GP APL at its finest unit, every vintage: the official workbook (2022, 2023) and the
-- historical series (2015-2021). Counting people under a threshold uses these units, as
-- published; averages are weighted by standardised population.
CREATE TABLE apl_fin AS
SELECT * FROM int_apl_unites
UNION ALL
SELECT * FROM int_apl_historique;
