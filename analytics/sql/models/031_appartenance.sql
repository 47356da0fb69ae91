-- Membership: each current commune belongs to itself, its EPCI, département, région, France.
CREATE TABLE appartenance AS
SELECT code AS commune, 'commune' AS niveau, code AS territoire FROM commune
UNION ALL SELECT code, 'epci', epci FROM commune WHERE epci IS NOT NULL
UNION ALL SELECT code, 'departement', departement FROM commune
UNION ALL SELECT code, 'region', region FROM commune
UNION ALL SELECT code, 'france', 'FR' FROM commune WHERE departement < '975' OR departement = '976';
