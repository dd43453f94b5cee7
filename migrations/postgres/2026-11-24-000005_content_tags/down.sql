DROP TABLE content_tags;
