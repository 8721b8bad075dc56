DROP TABLE payment_events;
DROP TABLE donation_payments;
DROP TABLE donations;
