"""Schedule risk without a solver: sample durations, re-time the plan, summarise the runs.

- :mod:`.jobs`: the plan's phases as jobs, in the order the re-timing keeps;
- :mod:`.sampling`: triangular duration draws (rounded half up, at least a month) and events;
- :mod:`.ssg`: the serial schedule generator that moves only what the samples push;
- :mod:`.outcomes`: retirements, go-lives, completion and spend per run;
- :mod:`.releases`: the releases each run needs and its use of each cap (history as facts);
- :mod:`.stats`: probabilities, percentiles, criticality and tornado drivers;
- :mod:`.simulate`: the one entry point, :func:`simulate`.
"""
