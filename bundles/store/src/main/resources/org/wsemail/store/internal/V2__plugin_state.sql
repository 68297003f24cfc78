-- Plug-ins' persistent state: text values under keys, per plug-in, per user (owner is the user's
-- address) or plug-in-wide (owner is the empty string).
CREATE TABLE plugin_state (
    plugin VARCHAR(200) NOT NULL,
    owner VARCHAR(320) NOT NULL,
    state_key VARCHAR(400) NOT NULL,
    state_value VARCHAR(32000) NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plugin, owner, state_key)
);

CREATE INDEX plugin_state_by_key ON plugin_state (plugin, state_key);
