-- Schema 7: person features for addresses with no (UK) postcode. `streets` holds the
-- street address keys of a person record's homes (building number + first street word
-- + town: '27|victoria|ipswich'), with or without a postcode, so an intelligence
-- report's address or an address abroad is evidence too. Rebuilt by every resolve run.

ALTER TABLE person_features ADD COLUMN streets VARCHAR[];

-- `event_places`: the building and street address keys of the places of the events a
-- person record is involved in (suspect, victim, witness, subject...), compared with
-- another record's homes.
ALTER TABLE person_features ADD COLUMN event_places VARCHAR[];
