SELECT * FROM validation_accessibilite
