package org.wsemail.endpoint.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.fail;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.handler.RequestData;
import org.apache.wss4j.dom.message.token.UsernameToken;
import org.apache.wss4j.dom.validate.Credential;
import org.junit.Test;
import org.w3c.dom.Document;
import org.wsemail.api.Address;
import org.wsemail.api.server.UnknownUserException;
import org.wsemail.api.server.UserDirectory;
import org.wsemail.endpoint.internal.LoginThrottle.Limits;
import org.wsemail.testing.InMemoryUserDirectory;

/**
 * A wrong password gets the security fault; a password that cannot be checked because the
 * database failed gets a server fault that says so, and is not counted as a failed login.
 */
public class UserDirectoryValidatorTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(new Limits(1, 6, Duration.ofMinutes(15), 100),
            new Limits(10, 100, Duration.ofMinutes(15), 100), now::get);
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final InMemoryUserDirectory directory = new InMemoryUserDirectory();
    /** The directory as the validator sees it: the in-memory one, until its database goes down. */
    private final UserDirectory users = new UserDirectory() {
        @Override
        public boolean authenticate(Address user, char[] password) {
            if (databaseDown.get()) {
                throw new IllegalStateException("cannot read user " + user,
                        new SQLException("Connection to localhost:5432 refused.", "08001"));
            }
            return directory.authenticate(user, password);
        }

        @Override
        public void add(Address user, char[] password) {
            directory.add(user, password);
        }

        @Override
        public void setPassword(Address user, char[] password) throws UnknownUserException {
            directory.setPassword(user, password);
        }

        @Override
        public boolean delete(Address user) {
            return directory.delete(user);
        }

        @Override
        public boolean exists(Address user) {
            return directory.exists(user);
        }

        @Override
        public List<Address> list() {
            return directory.list();
        }
    };
    private final UserDirectoryValidator validator = new UserDirectoryValidator(users, throttle,
            new ReplayGuard(100, Duration.ofMinutes(6)));

    @Test
    public void aPasswordThatCannotBeCheckedIsSaidSoAndNotCountedAgainstTheUser() throws Exception {
        directory.add(Address.parse("alice@a.test"), "alice-password-1".toCharArray());
        databaseDown.set(true);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                validator.validate(token("alice@a.test", "alice-password-1"), new RequestData());
                fail("validated without a database");
            } catch (SoapFault fault) {
                assertEquals("the server cannot check the password now: its database is unavailable; nothing was changed,"
                        + " try again later", fault.getMessage());
                assertEquals(Fault.FAULT_CODE_SERVER, fault.getFaultCode());
            }
        }
        assertNull("no failed login counted", throttle.refusal("alice@a.test", "unknown"));

        databaseDown.set(false);
        validator.validate(token("alice@a.test", "alice-password-1"), new RequestData());
        try {
            validator.validate(token("alice@a.test", "wrong-password-1"), new RequestData());
            fail("a wrong password was taken");
        } catch (WSSecurityException expected) {
            assertEquals(WSSecurityException.ErrorCode.FAILED_AUTHENTICATION, expected.getErrorCode());
        }
    }

    private static Credential token(String user, String password) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        UsernameToken token = new UsernameToken(true, document, WSConstants.PASSWORD_TEXT);
        token.setName(user);
        token.setPassword(password);
        token.addNonce(document);
        token.addCreated(true, document);
        Credential credential = new Credential();
        credential.setUsernametoken(token);
        return credential;
    }
}
