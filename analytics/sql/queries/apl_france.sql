SELECT * FROM apl_territoire WHERE niveau = 'france' ORDER BY annee
