"""Schedule risk without a solver: sample durations, re-time the plan, summarise the runs.

- :mod:`.jobs`: the plan's phases as jobs, in the order the re-timing keeps;
- :mod:`.sampling`: triangular duration draws (rounded half up, at least a month) and events;
- :mod:`.ssg`: the serial schedule generator that moves only what the samples push;
- :mod:`.outcomes`: retirements, go-lives, completion, spend, releases and caps per run;
- :mod:`.stats`: probabilities, percentiles, criticality and tornado drivers;
- :mod:`.simulate`: the one entry point, :func:`simulate`.
"""
