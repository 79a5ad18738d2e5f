-- Schema 7: person features for addresses with no (UK) postcode. `streets` holds the
-- street address keys of a person record's homes (building number + first street word
-- + town: '27|victoria|ipswich'), with or without a postcode, so an intelligence
-- report's address or an address abroad is evidence too. Rebuilt by every resolve run.

ALTER TABLE person_features ADD COLUMN streets VARCHAR[];
