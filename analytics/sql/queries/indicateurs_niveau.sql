SELECT * FROM indicateurs WHERE niveau = $niveau ORDER BY code
