"""The journalist tools, each a function from the engine and a query to a result dict:

    compare   the best passage of each agency (or year), side by side
    trend     matching reports per year (agency), and their share of that year's reports
    similar   passages in other reports that say nearly the same thing
    kwic      every occurrence of a word with its left and right context
    export    all matching passages with citations (streamed); batch: many queries at once
    cite      a one-line citation of a passage

They use the engine (search/) and nothing above it: search/render/ draws their results and
search/web/ serves them."""
