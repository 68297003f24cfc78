package org.wsemail.store.internal;

import java.sql.SQLException;
import java.util.List;

import org.wsemail.api.server.DatabaseManager;
import org.wsemail.api.server.DatabaseManager.Migration;
import org.wsemail.api.server.DatabaseManager.Schema;

/** The store's tables: users, mailboxes and plug-in state. Its scripts are resources beside this class. */
final class StoreSchema {
    static final Schema SCHEMA = new Schema("store", StoreSchema.class, List.of(
            new Migration(1, "users and mailboxes", "V1__mailboxes.sql"),
            new Migration(2, "plug-in state", "V2__plugin_state.sql"),
            new Migration(3, "mailbox sizes for quotas", "V3__mailbox_sizes.sql"),
            new Migration(4, "each mailbox's size kept up to date", "V4__mailbox_usage.sql"),
            new Migration(5, "signed messages kept as their bytes", "V5__messages_signed_bytes.sql",
                    Migration.textToUtf8("messages", "signed_xml", "signed_message")),
            new Migration(6, "signed messages no longer kept as text", "V6__messages_text_dropped.sql")));

    private StoreSchema() {
    }

    /** Brings the store's tables up to date; each of the store's components calls it when it activates. */
    static void migrate(DatabaseManager database) {
        try {
            database.migrate(SCHEMA);
        } catch (SQLException e) {
            throw new StoreException("cannot bring the store's tables up to date", e);
        }
    }
}
