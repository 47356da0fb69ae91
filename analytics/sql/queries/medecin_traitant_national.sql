SELECT * FROM medecin_traitant_national ORDER BY date_reference
