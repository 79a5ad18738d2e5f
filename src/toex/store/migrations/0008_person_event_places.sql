-- Schema 8: `event_places` in the person features: the building and street address keys
-- of the places of the events a person record is involved in (suspect, victim, witness,
-- subject...), compared with another record's homes. Rebuilt by every resolve run.
-- IF NOT EXISTS: a store built while this column was briefly part of schema 7 has it already.

ALTER TABLE person_features ADD COLUMN IF NOT EXISTS event_places VARCHAR[];
