INSERT INTO users (email, name, role) VALUES ('seed@example.com', 'Seed User', 'admin');
