DROP TABLE cause_follows;
DROP TABLE cause_translations;
DROP TABLE causes;
