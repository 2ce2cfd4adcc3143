"""Mail over STARTTLS and over TLS from the start, to a real SMTP server (aiosmtpd) on
127.0.0.1 with a throwaway certificate made here: the certificate is verified against the
authority named by KHETMAP_SMTP_CA_FILE, and without it the mail is not sent."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from dashboard.notify import mail
from dashboard.notify.mail import MailSettingsError
from tests.alert_receivers import MailBox, free_port

CA_USAGE = x509.KeyUsage(
    digital_signature=True, content_commitment=False, key_encipherment=False,
    data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
    encipher_only=False, decipher_only=False,
)  # fmt: skip


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway authority and a server certificate it signed for 127.0.0.1: the
    authority's PEM, the server's certificate and its key."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    server_key = ec.generate_private_key(ec.SECP256R1())
    start, end = datetime.now(UTC) - timedelta(days=1), datetime.now(UTC) + timedelta(days=1)
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("khetmap test authority"))
        .issuer_name(_name("khetmap test authority"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(CA_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_pem, cert_pem, key_pem


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """The authority's PEM file, and the server's TLS context."""
    ca_pem, cert_pem, key_pem = make_certificates(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_pem, key_pem)
    return ca_pem, context


def _login(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object) -> AuthResult:  # fmt: skip
    ok = (getattr(data, "login", b""), getattr(data, "password", b"")) == (b"khet", b"p@ss")
    return AuthResult(success=ok, handled=False)


@contextmanager
def tls_server(box: MailBox, context: ssl.SSLContext, *, starttls: bool) -> Iterator[int]:
    """STARTTLS required before mail and login (`starttls`), or TLS from the first byte."""
    port = free_port()
    if starttls:
        controller = Controller(
            box, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
            authenticator=_login, auth_required=True,
        )  # fmt: skip
    else:
        controller = Controller(box, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def _mail(smtp: mail.Smtp) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "สรุปประจำวัน เขต1006"
    message["From"] = smtp.sender
    message["To"] = "director.bangkapi@bangkok.go.th"
    message.set_content("ทดสอบ")
    return message


@pytest.mark.parametrize(
    ("starttls", "url"),
    [(True, "smtp+starttls://khet:p%40ss@127.0.0.1:{port}"), (False, "smtps://127.0.0.1:{port}")],
    ids=["starttls", "implicit-tls"],
)
def test_mail_goes_over_tls_verified_against_the_named_authority_and_not_without_it(
    certificates: tuple[Path, ssl.SSLContext],
    monkeypatch: pytest.MonkeyPatch,
    starttls: bool,
    url: str,
) -> None:
    ca_pem, server_context = certificates
    box = MailBox()
    with tls_server(box, server_context, starttls=starttls) as port:
        monkeypatch.setenv("KHETMAP_SMTP_URL", url.format(port=port))
        monkeypatch.setenv("KHETMAP_MAIL_FROM", "alerts@khet.example")
        # the system's authorities do not know this certificate: nothing is sent
        monkeypatch.delenv("KHETMAP_SMTP_CA_FILE", raising=False)
        smtp = mail.smtp_settings()
        assert smtp.security == ("starttls" if starttls else "tls") and smtp.ca_file is None
        with pytest.raises(ssl.SSLCertVerificationError):
            mail.send(_mail(smtp), smtp=smtp)
        assert box.mails == []
        # with the authority named, the certificate and the name 127.0.0.1 are verified
        monkeypatch.setenv("KHETMAP_SMTP_CA_FILE", str(ca_pem))
        smtp = mail.smtp_settings()
        assert smtp.ca_file == ca_pem
        assert (smtp.user, smtp.password) == (("khet", "p@ss") if starttls else (None, None))
        mail.send(_mail(smtp), smtp=smtp)
    assert [(rcpt, str(m["Subject"])) for rcpt, m in box.mails] == [
        (["director.bangkapi@bangkok.go.th"], "สรุปประจำวัน เขต1006")
    ]


def test_starttls_is_required_not_skipped_when_the_server_does_not_offer_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.alert_receivers import smtp_server

    box = MailBox()
    with smtp_server(box) as port:  # a server without TLS
        monkeypatch.setenv("KHETMAP_SMTP_URL", f"smtp+starttls://127.0.0.1:{port}")
        monkeypatch.setenv("KHETMAP_MAIL_FROM", "alerts@khet.example")
        smtp = mail.smtp_settings()
        with pytest.raises(Exception, match="STARTTLS extension not supported by server"):
            mail.send(_mail(smtp), smtp=smtp)
    assert box.mails == []


def test_an_authority_file_that_is_not_there_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KHETMAP_SMTP_URL", "smtps://127.0.0.1:4650")
    monkeypatch.setenv("KHETMAP_MAIL_FROM", "alerts@khet.example")
    monkeypatch.setenv("KHETMAP_SMTP_CA_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(MailSettingsError) as refused:
        mail.smtp_settings()
    assert str(refused.value) == (
        f"KHETMAP_SMTP_CA_FILE '{tmp_path / 'missing.pem'}' is not a file: name a PEM file of "
        "the authorities that vouch for the mail server's certificate, or leave it unset."
    )
