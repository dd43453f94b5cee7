DROP TABLE content_file_refs;
DROP TABLE content_versions;
DROP TABLE content_items;
DROP TABLE files;
