#!/usr/bin/python3
"""The generated server's docs page in a real browser: headless Chromium (Debian's `chromium` and
`chromium-driver`, driven by Debian's `python3-selenium`) opens the docs page of the running Coveo
example, checks that the three operations are listed, runs "Try it out" on listOrganizations
against the same server, and saves a screenshot.

Usage: docs_page.py BASE_URL SCREENSHOT.png   (the server serves `/docs` and `/openapi.json`)
"""

import json
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

OPERATIONS = ["createOrganization", "deleteOrganization", "listOrganizations"]
TOKEN = "browser-test"
ORGANIZATION = "Seen In The Browser"


def api(base, method, path):
    request = urllib.request.Request(base + path, method=method, headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def main(base, screenshot):
    # Something for the listing to show: created through the API, as this token's principal.
    status, body = api(base, "POST", "/rest/organizations?name=" + urllib.request.quote(ORGANIZATION))
    assert status == 201, (status, body)
    created = json.loads(body)["id"]

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1800"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        wait = WebDriverWait(driver, 30)
        driver.get(base + "/docs")
        wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
        # Swagger UI gives each operation's block the id `operations-<tag>-<operationId>`.
        listed = sorted(block.get_attribute("id").rsplit("-", 1)[-1] for block in driver.find_elements(By.CSS_SELECTOR, ".opblock"))
        assert listed == OPERATIONS, listed
        print("listed:", ", ".join(listed))

        # The bearer token, through Swagger UI's own Authorize dialog.
        driver.find_element(By.CSS_SELECTOR, ".auth-wrapper .authorize").click()
        field = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux input")))
        field.send_keys(TOKEN)
        driver.find_element(By.CSS_SELECTOR, ".modal-ux .auth-btn-wrapper .authorize").click()
        driver.find_element(By.CSS_SELECTOR, ".modal-ux .btn-done").click()

        # Try it out on listOrganizations.
        block = driver.find_element(By.CSS_SELECTOR, "[id$='-listOrganizations']")
        block.find_element(By.CSS_SELECTOR, ".opblock-summary").click()
        wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, "[id$='-listOrganizations'] .try-out__btn"))).click()
        wait.until(ready.element_to_be_clickable((By.CSS_SELECTOR, "[id$='-listOrganizations'] .execute"))).click()
        live = "[id$='-listOrganizations'] .live-responses-table tr.response .response-col_status"
        wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, live)))
        status = block.find_element(By.CSS_SELECTOR, live).text.strip()
        # The request went to this server (Swagger UI shows the URL it called).
        called = block.find_element(By.CSS_SELECTOR, ".request-url pre").text.strip()
        answer = block.find_element(By.CSS_SELECTOR, ".live-responses-table .response-col_description pre").text
        driver.execute_script("arguments[0].scrollIntoView()", block)
        driver.save_screenshot(screenshot)
        assert status == "200", (status, answer)
        assert called == base + "/rest/organizations", called
        assert created in answer and ORGANIZATION in answer, answer
        print(f"try it out: GET {called} -> {status}, listing {created!r}")
        print("screenshot:", screenshot)
    finally:
        driver.quit()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
