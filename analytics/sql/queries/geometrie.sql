SELECT code, geometry_json FROM geometrie WHERE couche = $couche
