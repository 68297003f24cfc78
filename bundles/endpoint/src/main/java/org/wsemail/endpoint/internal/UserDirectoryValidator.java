package org.wsemail.endpoint.internal;

import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.message.token.UsernameToken;
import org.apache.wss4j.dom.validate.Credential;
import org.apache.wss4j.dom.validate.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wsemail.api.Address;
import org.wsemail.api.server.UserDirectory;

/**
 * Checks a WS-Security UsernameToken against the user directory, where passwords are kept only as
 * hashes, so only plain-text tokens (sent over TLS) can be checked. A token must carry a nonce and a
 * creation time, which WSS4J has already checked for freshness and replay. Every failure is the same fault
 * to the caller, whether the user exists or not.
 */
final class UserDirectoryValidator implements Validator {
    private static final Logger LOG = LoggerFactory.getLogger(UserDirectoryValidator.class);

    private final UserDirectory users;

    UserDirectoryValidator(UserDirectory users) {
        this.users = users;
    }

    @Override
    public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
        UsernameToken token = credential == null ? null : credential.getUsernametoken();
        if (token == null || token.getName() == null || token.getPassword() == null
                || !WSConstants.PASSWORD_TEXT.equals(token.getPasswordType())
                || token.getNonce() == null || token.getCreated() == null) {
            LOG.info("Refused a request whose UsernameToken lacks a name, a plain-text password, a nonce or a creation time");
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        Address user;
        try {
            user = Address.parse(token.getName());
        } catch (IllegalArgumentException e) {
            LOG.info("Refused a request from '{}': not a mail address", token.getName());
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        if (!users.authenticate(user, token.getPassword().toCharArray())) {
            LOG.info("Refused a request from {}: unknown user or wrong password", user);
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
        }
        return credential;
    }
}
