"""ccclint: lint outsourcing and call-centre contracts against GDPR Art. 28 and outsourcing practice."""

__version__ = "0.1.0"
