SELECT * FROM indicateurs WHERE niveau = $niveau AND code = $code
