package org.wsemail.forms.spi;

import java.io.IOException;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The user's entry in their own domain's personnel directory, which the client fetches for a plug-in
 * with the user's federated identity token, and only after the user allowed that plug-in to use it.
 * Implemented by the client; called on the client's thread.
 */
@ProviderType
public interface Directory {

    /**
     * The user's record: {@code name}, {@code title}, {@code department} and {@code employee-id}
     * where the directory has them.
     *
     * @throws IOException if the user's server cannot be reached or has no record for them
     */
    Map<String, String> record() throws IOException;
}
