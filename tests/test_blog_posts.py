"""fast.blog.Posts: `page in posts` answers as a plain list would, comparing only the post of the page's file."""

from __future__ import annotations

from dataclasses import dataclass

from handbook.fast.blog import Posts as _Posts


@dataclass(frozen=True)
class File:
    src_uri: str


@dataclass(eq=False)
class Post:
    title: str
    file: File
    compared: int = 0

    def __eq__(self, other: object) -> bool:
        self.compared += 1
        return isinstance(other, Post) and (self.title, self.file) == (other.title, other.file)


def test_membership_is_a_lists_and_compares_one_post() -> None:
    posts = [Post(f"Post {n}", File(f"blog/posts/{n}.md")) for n in range(50)]
    indexed = _Posts(posts)
    probes = [
        posts[7],
        Post("Post 7", File("blog/posts/7.md")),  # equal, not the same object
        Post("Renamed", File("blog/posts/7.md")),  # same file, other title
        Post("Post 7", File("blog/posts/other.md")),
        "not a page",
    ]
    for probe in probes:
        assert (probe in indexed) == (probe in list(posts))
    for post in posts:
        post.compared = 0
    assert Post("Post 42", File("blog/posts/42.md")) in indexed
    assert sum(post.compared for post in posts) == 1
    indexed.append(Post("Late", File("blog/posts/late.md")))  # a post added later is found too
    assert Post("Late", File("blog/posts/late.md")) in indexed
