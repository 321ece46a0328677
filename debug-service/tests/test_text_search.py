from debug_service.text_search import fts_expression, search_terms, text_matches


def test_terms_are_lowercase_words_without_duplicates_or_syntax() -> None:
    assert search_terms('Conn "timeout" OR conn* NEAR(') == ("conn", "timeout", "or", "near")
    assert search_terms("") == ()
    assert search_terms(None) == ()


def test_fts_expression_quotes_every_term_as_a_prefix() -> None:
    assert fts_expression(("conn", "time")) == '"conn"* "time"*'


def test_every_term_must_start_a_word_of_the_message() -> None:
    terms = search_terms("conn refus")
    assert text_matches(terms, "Connection refused by peer")
    assert not text_matches(terms, "connection reset")
    assert not text_matches(search_terms("nection"), "connection")
    assert text_matches((), "anything")


def test_words_split_on_punctuation_and_underscores_like_fts5() -> None:
    assert text_matches(search_terms("room"), "join_room:abc")
    assert text_matches(search_terms("abc"), "room=abc,x")
