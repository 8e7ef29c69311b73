"""Topics: anyone suggests a topic for a future event or votes for one; suggestions are listed,
and votes counted, once the emailed link is opened."""
