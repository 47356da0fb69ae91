-- Members of a user's group of territories ($membres: list of 'niveau:code' keys, EPCI or
-- communes): each member's name and population, and its current communes.
SELECT a.niveau, a.territoire AS membre, t.nom AS nom_membre, a.commune
FROM appartenance AS a
JOIN territoire AS t ON t.niveau = a.niveau AND t.code = a.territoire
WHERE a.niveau IN ('epci', 'commune')
  AND list_contains($membres, a.niveau || ':' || a.territoire)
ORDER BY a.niveau, a.territoire, a.commune
