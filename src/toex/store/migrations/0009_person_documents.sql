-- Schema 9: two person features.
-- `documents`: the numbers of the identity documents (passport, identity card, residence
-- permit, national insurance number) a person record holds (`holds` links to `document`
-- objects), compared between records and used as a blocking key.
-- `postcodes_abroad`: the postcodes of a person record's homes that are not UK ones (an
-- address abroad), as written (upper-case letters and digits), compared as their own level.
-- Both are rebuilt by every resolve run.

ALTER TABLE person_features ADD COLUMN documents VARCHAR[];
ALTER TABLE person_features ADD COLUMN postcodes_abroad VARCHAR[];
