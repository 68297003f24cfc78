CREATE TABLE other_things (x INTEGER);
