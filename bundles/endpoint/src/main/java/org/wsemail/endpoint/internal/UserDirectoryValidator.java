package org.wsemail.endpoint.internal;

import java.util.concurrent.RejectedExecutionException;

import org.apache.cxf.message.Message;
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
 * creation time; WSS4J has checked the creation time for freshness. In this order: a name or
 * client address that failed too often recently is refused before any hashing ({@link
 * LoginThrottle}); the password is checked; only then is the token looked up among those seen
 * recently ({@link ReplayGuard}), so that guesses never fill that cache. Every failure is the same
 * fault to the caller, whether the user exists or not; the log tells why. A password that cannot be
 * checked because the database failed gets a fault that says so, for every user alike.
 */
final class UserDirectoryValidator implements Validator {
    private static final Logger LOG = LoggerFactory.getLogger(UserDirectoryValidator.class);

    private final UserDirectory users;
    private final LoginThrottle throttle;
    private final ReplayGuard replays;

    UserDirectoryValidator(UserDirectory users, LoginThrottle throttle, ReplayGuard replays) {
        this.users = users;
        this.throttle = throttle;
        this.replays = replays;
    }

    @Override
    public Credential validate(Credential credential, RequestData data) throws WSSecurityException {
        UsernameToken token = credential == null ? null : credential.getUsernametoken();
        String from = ClientAddress.of(data.getMsgContext() instanceof Message message ? message : null);
        if (token == null || token.getName() == null || token.getPassword() == null
                || !WSConstants.PASSWORD_TEXT.equals(token.getPasswordType())
                || token.getNonce() == null || token.getCreated() == null) {
            LOG.info("Refused a request from {} whose UsernameToken lacks a name, a plain-text password, a nonce or a creation time", from);
            throw failed();
        }
        Address user;
        try {
            user = Address.parse(token.getName());
        } catch (IllegalArgumentException e) {
            LOG.info("Refused a request from {} for '{}': not a mail address", from, LogSafe.text(token.getName()));
            throttle.failed(null, from);
            throw failed();
        }
        String name = user.toString();
        String wait = throttle.refusal(name, from);
        if (wait != null) {
            LOG.info("Refused a login of {} from {} without checking its password: {}", user, from, wait);
            throw failed();
        }
        boolean authenticated;
        try {
            authenticated = users.authenticate(user, token.getPassword().toCharArray());
        } catch (RejectedExecutionException busy) {
            LOG.warn("Refused a login of {} from {}: {}", user, from, busy.getMessage());
            throw new WSSecurityException(WSSecurityException.ErrorCode.FAILURE, busy);
        } catch (RuntimeException storage) {
            LOG.error("Cannot check the password of {} from {}: {}", user, from, storage.getMessage());
            throw StorageTrouble.checkFailed("check the password", storage);
        }
        if (!authenticated) {
            LOG.info("Refused a request from {} for {}: unknown user or wrong password", from, user);
            throttle.failed(name, from);
            throw failed();
        }
        throttle.succeeded(name, from);
        switch (replays.firstSight(name, token.getNonce(), token.getCreated())) {
            case REPLAY -> {
                LOG.warn("Refused a replayed request of {} from {}: its UsernameToken was seen before", user, from);
                throw failed();
            }
            case FULL -> {
                LOG.warn("Refused a request of {} from {}: too many recent requests to remember for replay checks", user, from);
                throw new WSSecurityException(WSSecurityException.ErrorCode.FAILURE);
            }
            case UNCHECKED -> {
                LOG.warn("Refused a request of {} from {}: it could not be checked for a replay at the other nodes", user, from);
                throw StorageTrouble.checkFailed("check the request for a replay", null);
            }
            case NEW -> {
            }
        }
        return credential;
    }

    private static WSSecurityException failed() {
        return new WSSecurityException(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION);
    }
}
