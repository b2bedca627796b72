"""The map's assembly: key points described, positions filled, JSON valid against its schema."""

import json

import pandas as pd
import pytest

from pipeline.argmap import MapSchemaError, class_tfidf_keywords, describe_clusters, merge_sentences, validate_argmap
from pipeline.stance import LabelSpace


def test_merge_keeps_every_sentence(tiny_map):
    sentences, _, _ = tiny_map
    assert len(sentences) == 4
    non_claim = sentences[~sentences["is_claim"]].iloc[0]
    assert pd.isna(non_claim["stance"]) and pd.isna(non_claim["cluster_id"])


def test_clusters_described(tiny_map):
    sentences, clusters, _ = tiny_map
    kp = clusters[clusters["cluster_id"] == 0].iloc[0]
    assert kp["size"] == 2 and kp["dominant_stance"] == "pro-marketing"
    assert json.loads(kp["stance_shares"])["pro-marketing"] == 1.0
    # The label is a span of one member claim, its final full stop left out, and says where it lies.
    assert kp["label"] in {"marketing is what brings the buyers in", "buyers must find you through marketing"}
    member = sentences[sentences["sentence_id"] == kp["representative_sentence_id"]].iloc[0]
    offset = kp["label_start_char"] - member["start_char"]
    assert member["text"][offset:offset + kp["label_end_char"] - kp["label_start_char"]] == kp["label"]
    assert kp["n_people"] == 2 and 0 < kp["label_score"] <= 2
    assert json.loads(kp["authors"]) == ["Ann", "Bo"]
    assert "buyers" in json.loads(kp["keywords"])
    noise = clusters[clusters["cluster_id"] == -1].iloc[0]
    assert noise["size"] == 1 and pd.isna(noise["representative_sentence_id"])


def test_map_is_valid_and_traceable(tiny_map):
    _, _, doc = tiny_map
    validate_argmap(doc)
    positions = {p["stance"]: p for p in doc["positions"]}
    assert list(positions) == ["pro-sales", "pro-marketing", "pro-strategy", "neutral"]
    assert positions["pro-marketing"]["key_points"][0]["size"] == 2
    assert positions["pro-sales"]["unclustered_claim_ids"] == ["c/a.txt#article:s0"]
    assert doc["summary"]["claims"] == 3 and doc["summary"]["noise_claims"] == 1
    claim = next(c for c in doc["claims"] if c["id"] == "c/a.txt#c1:s0")
    assert (claim["doc_id"], claim["start_char"], claim["end_char"]) == ("c/a.txt#c1", 61, 100)


def test_schema_rejects_a_broken_map(tiny_map):
    _, _, doc = tiny_map
    broken = json.loads(json.dumps(doc))
    broken["relations"][0]["relation"] = "likes"
    broken["claims"][0]["start_char"] = "7"
    with pytest.raises(MapSchemaError, match=r"at relations/0/relation: .*likes.*") as err:
        validate_argmap(broken)
    assert "at claims/0/start_char" in str(err.value)


def test_class_tfidf_prefers_distinctive_terms():
    kw = class_tfidf_keywords({0: ["sales", "deal", "deal", "market"], 1: ["brand", "story", "market"]}, 2)
    assert kw[0][0] == "deal" and "market" not in kw[1][:2]


# ----------------------------------------------------------------------------- key point labels


def _unit(rows):
    import numpy as np

    m = np.asarray(rows, dtype=float)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_label_problems_name_what_does_not_read_alone():
    from pipeline.argmap import label_problems

    assert label_problems("Sales calls teach founders what buyers want") == []
    assert "dangling reference" in label_problems("This is why sales matter most")
    assert "question" in label_problems("Why would anyone buy ads first?")
    assert "too short" in label_problems("Sales")
    assert "too long" in label_problems(" ".join(["word"] * 16))
    assert "heading" in label_problems("The Difference between Strategy and Marketing", "heading")
    assert "unfinished" in label_problems("marketing can then do what they")
    assert "unbalanced" in label_problems("marketers (from the old school")
    assert "fragment" in label_problems("in the same context as before", clause=True)
    assert "fragment" not in label_problems("In B2B markets sales wins deals")


def test_label_candidates_keep_lists_whole_and_offsets_exact():
    from pipeline.argmap import label_candidates

    text = "In fact, founders confuse marketing, sales and strategy; that costs them."
    spans = label_candidates([text])
    texts = {s.text for s in spans}
    assert "founders confuse marketing, sales and strategy" in texts
    assert all(text[s.start:s.end] == s.text for s in spans)  # one line: the span is the words as written
    assert not any(t.endswith("marketing") for t in texts)  # the comma inside the list is no break


def test_choose_label_picks_a_short_central_self_contained_span():
    from pipeline.argmap import LABEL_MAX_WORDS, choose_label, label_words

    texts = [
        "The most important thing to know is counterintuitive: talking to customers beats advertising early on.",
        "This is why talking to customers beats advertising.",
        "Talking to customers beats advertising for a young company, and it costs almost nothing at all.",
    ]
    span, score = choose_label(texts, _unit([[1, 0.1], [1, 0], [1, -0.1]]))
    assert span.text.lower().startswith("talking to customers beats advertising")
    assert len(label_words(span.text)) <= LABEL_MAX_WORDS and score > 0
    assert texts[span.index][span.start:span.end] == span.text
    assert choose_label(texts, _unit([[1, 0.1], [1, 0], [1, -0.1]])) == (span, score)


def test_choose_label_never_cuts_a_sentence_and_falls_back_to_the_shortest_whole_claim():
    from pipeline.argmap import LABEL_MAX_WORDS, choose_label, label_words

    long = ("Developing the right strategy is an exercise in getting away from solutions and understanding what "
            "job a group of customers is trying to get done")
    # no parse, no clause: no span of at most 15 words exists, so the shorter claim whole
    span, _ = choose_label([long + " today", long], _unit([[1, 0], [1, 0.1]]))
    assert span.text == long and len(label_words(span.text)) > LABEL_MAX_WORDS


def test_choose_label_finds_a_short_clause_in_long_claims(label_parser):
    """With the parse, a long claim gives its main clause: never more than LABEL_MAX_WORDS words."""
    from pipeline.argmap import LABEL_MAX_WORDS, choose_label, label_words

    long = ("Developing the right strategy is an exercise in getting away from solutions and understanding what "
            "job a group of customers is trying to get done")
    span, _ = choose_label([long + " today", long], _unit([[1, 0], [1, 0.1]]), parse=label_parser)
    assert span.text == "Developing the right strategy is an exercise in getting away from solutions"
    texts = ["Even a great pitch can’t help you win customers because your starting point is simply not valid.",
             "Your starting assumptions decide whether any amount of customer feedback can ever rescue a product "
             "that nobody wanted in the first place."]
    span, _ = choose_label(texts, _unit([[1, 0], [1, 0.1]]), parse=label_parser)
    assert len(label_words(span.text)) <= LABEL_MAX_WORDS and texts[span.index][span.start:span.end] == span.text
    assert span.text in ("Even a great pitch can’t help you win customers",
                         "your starting point is simply not valid")


def test_choose_label_falls_back_to_a_heading_then_to_the_clause_leaning_least(label_parser):
    from pipeline.argmap import choose_label

    texts = ["Misunderstanding the difference between marketing and sales", "Confusing marketing with sales"]
    span, _ = choose_label(texts, _unit([[1, 0], [1, 0.1]]), parse=label_parser)
    assert span.text in texts  # a whole heading: no clause, but it reads alone
    texts = ["He already had good sales people, but they needed leads to augment what they were already doing.",
             "He said that it was marketing because he needed leads and needed to know how to position the firm."]
    span, _ = choose_label(texts, _unit([[1, 0], [1, 0.1]]), parse=label_parser)
    assert len(span.text.split()) <= 15  # every span leans on "he": short, never a whole 20-word claim


def _parsed(text, rows):
    """A hand-written parse of `text`: (word, pos, tag, dep, head index) per word, found left to right."""
    from pipeline.argmap import ParsedWord

    out, at = [], 0
    for word, pos, tag, dep, head in rows:
        at = text.index(word, at)
        out.append(ParsedWord(at, at + len(word), word, pos, tag, dep, head))
        at += len(word)
    return tuple(out)


def test_clause_problems_find_fragments_in_a_parse():
    from pipeline.argmap import clause_problems

    text = "Most small firms, like ours, cannot pay a full-time designer."
    words = _parsed(text, [("Most", "ADJ", "JJS", "amod", 2), ("small", "ADJ", "JJ", "amod", 2),
                           ("firms", "NOUN", "NNS", "nsubj", 9), (",", "PUNCT", ",", "punct", 2),
                           ("like", "ADP", "IN", "prep", 2), ("ours", "PRON", "PRP", "pobj", 4),
                           (",", "PUNCT", ",", "punct", 2), ("can", "AUX", "MD", "aux", 9),
                           ("not", "PART", "RB", "neg", 9), ("pay", "VERB", "VB", "ROOT", 9),
                           ("a", "DET", "DT", "det", 12), ("full-time", "ADJ", "JJ", "amod", 12),
                           ("designer", "NOUN", "NN", "dobj", 9), (".", "PUNCT", ".", "punct", 9)])
    assert clause_problems(words, 0, len(text) - 1) == []
    assert "no clause" in clause_problems(words, 0, text.index(","))  # "Most small firms"
    assert "cut" in clause_problems(words, 0, text.index(" a full"))  # "... cannot pay": its object left out
    assert "cut inside a word" in clause_problems(words, 0, text.index("ull-time"))

    text = "I think that writers, editors and printers should meet weekly"
    words = _parsed(text, [("I", "PRON", "PRP", "nsubj", 1), ("think", "VERB", "VBP", "ROOT", 1),
                           ("that", "SCONJ", "IN", "mark", 9), ("writers", "NOUN", "NNS", "nsubj", 9),
                           (",", "PUNCT", ",", "punct", 3), ("editors", "NOUN", "NNS", "conj", 3),
                           ("and", "CCONJ", "CC", "cc", 5), ("printers", "NOUN", "NNS", "conj", 5),
                           ("should", "AUX", "MD", "aux", 9), ("meet", "VERB", "VB", "ccomp", 1),
                           ("weekly", "ADV", "RB", "advmod", 9)])
    problems = clause_problems(words, 0, text.index(","))  # "I think that writers"
    assert "not one clause" in problems and "list cut" in problems

    text = "While you may write well, your job is not editing"
    words = _parsed(text, [("While", "SCONJ", "IN", "mark", 3), ("you", "PRON", "PRP", "nsubj", 3),
                           ("may", "AUX", "MD", "aux", 3), ("write", "VERB", "VB", "advcl", 8),
                           ("well", "ADV", "RB", "advmod", 3), (",", "PUNCT", ",", "punct", 8),
                           ("your", "PRON", "PRP$", "poss", 7), ("job", "NOUN", "NN", "nsubj", 8),
                           ("is", "AUX", "VBZ", "ROOT", 8), ("not", "PART", "RB", "neg", 8),
                           ("editing", "VERB", "VBG", "attr", 8)])
    assert clause_problems(words, 0, len(text)) == []
    assert "cut" in clause_problems(words, text.index("you"), len(text))  # its "While" dropped
    assert clause_problems(words, text.index("your"), len(text)) == []  # the main clause alone stands

    text = "Why we ship that is a long story"
    words = _parsed(text, [("Why", "SCONJ", "WRB", "advmod", 2), ("we", "PRON", "PRP", "nsubj", 2),
                           ("ship", "VERB", "VBP", "csubj", 4), ("that", "PRON", "DT", "dobj", 2),
                           ("is", "AUX", "VBZ", "ROOT", 4), ("a", "DET", "DT", "det", 7),
                           ("long", "ADJ", "JJ", "amod", 7), ("story", "NOUN", "NN", "attr", 4)])
    assert clause_problems(words, 0, len(text)) == ["dangling reference"]


def test_clause_problems_find_a_pronoun_the_span_never_names():
    from pipeline.argmap import clause_problems

    text = "He needed leads because buyers never called"
    words = _parsed(text, [("He", "PRON", "PRP", "nsubj", 1), ("needed", "VERB", "VBD", "ROOT", 1),
                           ("leads", "NOUN", "NNS", "dobj", 1), ("because", "SCONJ", "IN", "mark", 6),
                           ("buyers", "NOUN", "NNS", "nsubj", 6), ("never", "ADV", "RB", "neg", 6),
                           ("called", "VERB", "VBD", "advcl", 1)])
    assert "dangling reference" in clause_problems(words, 0, len(text))
    text = "Founders know their buyers"
    words = _parsed(text, [("Founders", "NOUN", "NNS", "nsubj", 1), ("know", "VERB", "VBP", "ROOT", 1),
                           ("their", "PRON", "PRP$", "poss", 3), ("buyers", "NOUN", "NNS", "dobj", 1)])
    assert clause_problems(words, 0, len(text)) == []  # "their": the founders, named before it
    text = "Her firm sells"
    words = _parsed(text, [("Her", "PRON", "PRP$", "poss", 1), ("firm", "NOUN", "NN", "nsubj", 2),
                           ("sells", "VERB", "VBZ", "ROOT", 2)])
    assert "dangling reference" in clause_problems(words, 0, len(text))


def test_clause_problems_let_an_it_that_stands_for_a_later_clause_stand():
    from pipeline.argmap import clause_problems

    text = "It is important to protect free speech"
    words = _parsed(text, [("It", "PRON", "PRP", "nsubj", 1), ("is", "AUX", "VBZ", "ROOT", 1),
                           ("important", "ADJ", "JJ", "acomp", 1), ("to", "PART", "TO", "aux", 4),
                           ("protect", "VERB", "VB", "xcomp", 1), ("free", "ADJ", "JJ", "amod", 6),
                           ("speech", "NOUN", "NN", "dobj", 4)])
    assert clause_problems(words, 0, len(text)) == []
    text = "It is hard work"
    words = _parsed(text, [("It", "PRON", "PRP", "nsubj", 1), ("is", "AUX", "VBZ", "ROOT", 1),
                           ("hard", "ADJ", "JJ", "amod", 3), ("work", "NOUN", "NN", "attr", 1)])
    assert clause_problems(words, 0, len(text)) == ["dangling reference"]  # "it": something said before


def test_choose_label_reads_the_grammar_where_the_text_rules_guess(label_parser):
    """With a parse: a lowercase clause after a dropped opener, an "it" standing for a later clause and
    a stranded preposition all stand alone; a concession ("While ...") is not the point."""
    from pipeline.argmap import choose_label

    def label(texts):
        span, _ = choose_label(texts, _unit([[1, 0.05 * i] for i in range(len(texts))]), parse=label_parser)
        return span.text

    chosen = label(["As a result of all of this, it can be very helpful to have someone like a coach to work with."])
    assert chosen == "it can be very helpful to have someone like a coach to work with"
    chosen = label(["While you may write clever slogans for the company every single week, your job is not "
                    "pricing the products."])
    assert chosen == "your job is not pricing the products"
    chosen = label(["Long story short, when we finished the meeting the founder agreed that the company needed "
                    "marketing, but not the kind the founder had in mind."])
    assert not chosen.startswith("we finished")  # a "when" clause bounds the rest: never the label


def test_clause_problems_a_subordinate_clause_is_no_claim():
    from pipeline.argmap import clause_problems

    text = "Plans change as new rivals arise"
    words = _parsed(text, [("Plans", "NOUN", "NNS", "nsubj", 1), ("change", "VERB", "VBP", "ROOT", 1),
                           ("as", "SCONJ", "IN", "mark", 5), ("new", "ADJ", "JJ", "amod", 4),
                           ("rivals", "NOUN", "NNS", "nsubj", 5), ("arise", "VERB", "VBP", "advcl", 1)])
    assert "cut" in clause_problems(words, text.index("new"), len(text))  # "new rivals arise": its "as" dropped
    assert "no clause" in clause_problems(words, text.index("as"), len(text))  # "as new rivals arise", whole
    assert clause_problems(words, 0, text.index(" as")) == []  # "Plans change" stands


def test_clause_spans_keep_conditions_and_drop_asserted_clauses():
    from pipeline.argmap import clause_spans

    def parsed(mark):
        text = f"Ads cannot save you {mark} your idea is wrong"
        return text, _parsed(text, [("Ads", "NOUN", "NNS", "nsubj", 2), ("cannot", "AUX", "MD", "aux", 2),
                                    ("save", "VERB", "VB", "ROOT", 2), ("you", "PRON", "PRP", "dobj", 2),
                                    (mark, "SCONJ", "IN", "mark", 7), ("your", "PRON", "PRP$", "poss", 6),
                                    ("idea", "NOUN", "NN", "nsubj", 7), ("is", "AUX", "VBZ", "advcl", 2),
                                    ("wrong", "ADJ", "JJ", "acomp", 7)])

    text, words = parsed("because")
    spans = {text[a:b] for a, b in clause_spans(words)}
    assert "Ads cannot save you" in spans and "your idea is wrong" in spans and text in spans
    text, words = parsed("if")
    spans = {text[a:b] for a, b in clause_spans(words)}
    assert "Ads cannot save you" not in spans and "your idea is wrong" not in spans  # a condition stays


def test_label_candidates_after_a_joining_word_may_start_lowercase():
    import numpy as np

    from pipeline.argmap import label_candidate_features

    text = "It is hard work, because people need to look busy when targets slip."
    found = {c.span.text: c.problems for c in label_candidate_features([text], np.array([[1.0, 0.0]]))}
    assert "continuation" not in found["people need to look busy when targets slip"]


def test_label_problems_at_the_edges_of_a_cut():
    from pipeline.argmap import label_problems

    assert "ellipsis" in label_problems("…a fast, cheap and proven method for testing ideas")
    assert "ellipsis" in label_problems("...a fast, cheap and proven method for testing ideas")
    assert "punctuation start" in label_problems("(and rightly so) nobody reads the manual")
    assert "continuation" in label_problems("the way down to the shop floor", clause=True)
    assert "continuation" not in label_problems("Pricing drives the whole funnel", clause=True)
    assert "continuation" not in label_problems("pricing drives the whole funnel")  # the claim's own start
    assert "continuation" not in label_problems("pricing drives the funnel", clause=True, after_colon=True)


def test_label_candidates_never_split_a_list_at_its_first_comma():
    from pipeline.argmap import label_candidates

    text = "Design is craft, research, testing, and telling a story."
    assert "Design is craft" not in {s.text for s in label_candidates([text])}
    text = "In fact, buyers want proof before they sign."
    assert "buyers want proof before they sign" in {s.text for s in label_candidates([text])}


def test_choose_label_picks_a_clause_that_stands_alone(label_parser):
    """Each fragment type, with the installed spaCy pipeline: the label is a clause that stands alone."""
    from pipeline.argmap import choose_label

    def label(texts):
        span, _ = choose_label(texts, _unit([[1, 0.05 * i] for i in range(len(texts))]), parse=label_parser)
        assert texts[span.index][span.start:span.end] == span.text
        return span.text

    # a cut at the comma before a parenthesis: "Most small shops" has no verb
    assert label(["Most small shops, (like the bakery on our street), cannot hire a full-time accountant.",
                  "Small shops cannot afford an accountant all year."]) != "Most small shops"
    # a cut at a list comma (the parse sees the list where the text rule lets it through)
    assert label(["Design is craft, research and testing.", "Design covers craft and research."]) != "Design is craft"
    # "I believe that writers" out of a list: not one clause
    chosen = label(["I believe that writers, editors, printers, and sellers should meet every week.",
                    "Writers and editors should meet every week."])
    assert chosen != "I believe that writers"
    # a clause starting mid-sentence after a dash
    chosen = label(["Teams that test early learn faster — all the way from the first sketch to the launch.",
                    "Testing early makes teams learn faster."])
    assert not chosen.startswith("all the way")
    # a span starting with an ellipsis, against a claim that stands alone
    assert not label(["…a cheap, fast, and proven way to test ideas",
                      "Paper prototypes are a cheap way to test ideas."]).startswith("…")
    # a subordinate clause stripped of its "While": a comma splice
    assert not label(["While you may write clever slogans, your job is not pricing.",
                      "Copywriters do not set prices for the company."]).startswith("you may")
    # leaning on context ("that"), against a claim that does not
    assert label(["How you fix that is a different question.",
                  "Fixing churn needs a different plan."]) == "Fixing churn needs a different plan"


def test_describe_clusters_label_is_the_exact_source_slice(tiny_thread, params, label_parser):
    """Offsets exact even where the claim has a no-break space: the label is the slice, as written."""
    documents, claims, embeddings = tiny_thread
    scored = claims[["sentence_id", "doc_id", "text"]].copy()
    scored["text"] = scored["text"].str.replace(" ", "\u00a0", n=1, regex=False)
    scored["corpus"], scored["source"], scored["role"] = "c", "a.txt", "body"
    scored["start_char"], scored["end_char"] = [0, 61, 121], [49, 100, 160]
    scored["is_claim"], scored["claim_score"] = True, 0.9
    assignments = pd.DataFrame({"sentence_id": claims["sentence_id"], "cluster_id": [0, 0, 0],
                                "membership_score": 1.0, "reassigned": False})
    stances = claims[["sentence_id", "stance", "stance_score", "stance_probs"]].assign(stance_own=claims["stance"])
    sentences = merge_sentences(scored, stances, assignments)

    def run():
        return describe_clusters(sentences, documents, embeddings, LabelSpace.from_params(params.stance),
                                 lemmatize=lambda texts: [[] for _ in texts], n_keywords=3, parse=label_parser)

    clusters = run()
    kp = clusters.iloc[0]
    member = sentences[sentences["sentence_id"] == kp["representative_sentence_id"]].iloc[0]
    assert "\u00a0" in member["text"]
    offset = kp["label_start_char"] - member["start_char"]
    assert member["text"][offset:offset + kp["label_end_char"] - kp["label_start_char"]] == kp["label"]
    assert run().equals(clusters)  # deterministic


@pytest.mark.slow
def test_stored_parses_read_without_spacy_give_the_words_the_doc_gives(params):
    from pipeline.argmap import doc_words, record_words
    from pipeline.models import load_spacy
    from pipeline.parses import PARSE_DISABLE, doc_record

    nlp = load_spacy(params.sentences.spacy_model, PARSE_DISABLE)
    texts = ["Don't hire a salesperson yet — close 10 deals yourself,  then see.",
             "“Marketing” isn't 3x cheaper; it's 2.5% of $40,000 @op #growth...", "Ça va?\u00a0Naïve café.", ""]
    for doc in nlp.pipe(texts):
        assert record_words(doc_record(doc)) == doc_words(doc)


def test_stop_words_read_from_source_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from pipeline.argmap import english_stop_words

    assert english_stop_words() == ENGLISH_STOP_WORDS and len(ENGLISH_STOP_WORDS) > 300
