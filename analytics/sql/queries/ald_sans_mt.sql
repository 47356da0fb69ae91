SELECT * FROM ald_sans_mt ORDER BY departement
