SELECT code, geometry_json FROM geometrie WHERE couche = $couche AND list_contains($codes, code)
