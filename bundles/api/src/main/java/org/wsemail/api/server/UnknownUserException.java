package org.wsemail.api.server;

import org.wsemail.api.Address;

/** The address names no user of this server. */
public class UnknownUserException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Address address;

    public UnknownUserException(Address address) {
        super("no such user: " + address);
        this.address = address;
    }

    public Address address() {
        return address;
    }
}
