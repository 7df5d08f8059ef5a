"""Records: what a run leaves behind, and how it is stored.

``summary`` turns a finished model into its daily table (one row per day) and its
summary row (one row per run: lifespan, sizes, activity, exits, revenue, participation).
``points`` names and checks the folder of one configuration point (its id, its run ids,
reading and writing its tables); ``io`` writes every file atomically.
"""
