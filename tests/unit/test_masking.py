from huankuan.domain.masking import (
    mask_contact,
    mask_email,
    mask_name,
    mask_national_id,
    mask_phone,
)


def test_it_keeps_the_country_code_the_first_three_and_the_last_four_digits_of_a_phone() -> None:
    assert mask_phone("+8613812345678") == "+86 138****5678"
    assert mask_phone("+1 (415) 555-0134") == "+1 415***0134"
    assert mask_phone("+85291234567") == "+852 ****4567"
    assert mask_phone("13812345678") == "138****5678"


def test_it_hides_all_but_the_last_four_characters_of_an_id_number() -> None:
    assert mask_national_id("11010519491231002X") == "**************002X"
    assert mask_national_id("123") == "***"


def test_it_keeps_the_domain_of_an_email() -> None:
    assert mask_email("jane.doe@example.com") == "j***@example.com"


def test_it_keeps_the_family_name_of_a_chinese_name_and_initials_of_an_english_one() -> None:
    assert mask_name("张伟") == "张*"
    assert mask_name("Jane Doe") == "J*** D***"


def test_it_masks_an_address_down_to_its_last_part() -> None:
    assert mask_contact("address", "12 Main St, Springfield, IL") == "IL (***)"
    assert "12 Main" not in mask_contact("address", "12 Main St")
