SELECT niveau, code, nom, departement, region, epci, population FROM territoire
WHERE niveau = $niveau AND code = $code
